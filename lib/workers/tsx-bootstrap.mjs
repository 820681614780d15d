// Worker thread bootstrap when the code runs from its TypeScript sources (tests, scripts, bench): Node cannot
// load a .ts entry by itself, so this registers tsx in the new thread, then imports the entry that
// ./start-worker passes as the thread's first argument.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
