/**
 * The composition root for `npm start`: runs the service as this process (service/run-service.ts;
 * `crm-telephony serve` runs the same without npm).
 */
import { runService } from './service/run-service.ts';

runService();
