// Entry of a delivery worker thread: load the TypeScript sources through tsx, whatever loader
// the parent thread used, then start the thread's message loop.
import { register } from 'tsx/esm/api';

register();
await import('./delivery-thread.ts');
