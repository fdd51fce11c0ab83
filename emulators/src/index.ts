export { startPostFast } from './postfast';
