/**
 * Settings of the callback workflow (issue 17), read with the rest of the configuration.
 *
 *   MISSED_ESCALATE_MINUTES   an open item moves to the next person after this long; 0: never   30
 *   MISSED_CRM_CALLS          mirror each item into the CRM as a planned call for its owner      true
 */
import { z } from 'zod';

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(s), { message: 'use true or false' })
  .transform((s) => ['true', '1', 'yes', 'on'].includes(s));

export const missedConfigSchema = z.object({
  /** An open missed-call item moves to the next person after this many minutes (snoozes wait); 0 turns escalation off. */
  MISSED_ESCALATE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(30),
  /** Each open missed-call item is also a planned call in the CRM, assigned to its owner, closed when it closes here. */
  MISSED_CRM_CALLS: bool.default(true),
});

export type MissedConfig = z.infer<typeof missedConfigSchema>;
