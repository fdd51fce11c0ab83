"""Swaps a validated media file with a symbolic link (or a FIFO) in a drop folder's inbox, in a
loop, with renameat2(RENAME_EXCHANGE) (atomic: the path always exists); falls back to rename
loops where renameat2 is missing. Keeps 8 posts in the inbox, swapping each until the daemon takes it
out, until `swaps` exchanges were made and 16 posts were taken mid-swap; prints {"swaps",
"posts", "taken", "exchange"} as JSON. Used by test/faults/swap-race.test.ts.

usage: swapper.py <inbox> <real file> <target> <mode link|fifo> <swaps> <sidecar json with {n}>
"""
import ctypes, json, os, sys, time

inbox, real, target, mode, want, sidecar = sys.argv[1:7]
want = int(want)
data = open(real, 'rb').read()
libc = ctypes.CDLL(None, use_errno=True)
renameat2 = getattr(libc, 'renameat2', None)
AT_FDCWD, RENAME_EXCHANGE = -100, 2


def exchange(a, b):
    if renameat2 is not None:
        r = renameat2(AT_FDCWD, a.encode(), AT_FDCWD, b.encode(), RENAME_EXCHANGE)
        if r == 0:
            return True
        if ctypes.get_errno() == 2:  # ENOENT: the daemon moved the post away
            return False
        raise OSError(ctypes.get_errno(), 'renameat2')
    tmp = b + '.x'
    try:
        os.rename(a, tmp)
        os.rename(b, a)
        os.rename(tmp, b)
        return True
    except FileNotFoundError:
        return False


swaps = posts = 0
PARALLEL = 8
active = []  # (path, other, swaps on it)


def drop():
    global posts
    posts += 1
    name = 'race-%04d.png' % posts
    path = os.path.join(inbox, name)
    other = os.path.join(inbox, '.race-%04d.other' % posts)
    if mode == 'link':
        os.symlink(target, other)
    else:
        os.mkfifo(other)
    tmp = os.path.join(inbox, '.%s.tmp' % name)
    with open(tmp, 'wb') as f:
        f.write(data)
    os.rename(tmp, path)
    with open(tmp, 'w') as f:
        f.write(sidecar.replace('{n}', str(posts)))
    os.rename(tmp, path + '.json')
    active.append([path, other, 0])


def settle(post):
    """Leaves the real file at the post's name, so the post can end normally."""
    path, other = post[0], post[1]
    if os.path.lexists(path) and (os.path.islink(path) or not os.path.isfile(path)):
        exchange(path, other)


taken = 0  # posts the daemon took out of the inbox mid-swap
deadline = time.time() + 240
while (swaps < want or taken < 16) and time.time() < deadline:
    while len(active) < PARALLEL:
        drop()
    for post in list(active):
        if not exchange(post[0], post[1]):
            active.remove(post)  # the daemon took it out of the inbox
            taken += 1
            continue
        swaps += 1
        post[2] += 1
        if post[2] >= 3000:  # long enough: let it go and drop another
            settle(post)
            active.remove(post)
    time.sleep(0.001)
for post in active:
    settle(post)
print(json.dumps({'swaps': swaps, 'posts': posts, 'taken': taken, 'exchange': renameat2 is not None}))
