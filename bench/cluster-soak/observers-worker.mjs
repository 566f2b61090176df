// The observers' thread (observers.ts): a worker does not inherit tsx's loader from the
// benchmark's thread, so it registers it before loading the TypeScript, as bin/crm-telephony.js does.
import { register } from 'tsx/esm/api';

register();
await import('./observers.ts');
