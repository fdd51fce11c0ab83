export * from './http';
export * from './postfast';
export * from './postsider';
