import { z } from "zod";

// Shared by the Reset button and the reset handler. The scope is checked again against the
// venue's own strict pattern once the account (and so the venue) is known.
export const resetRequestSchema = z
  .object({
    accountId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    scope: z.string().min(1).max(64),
    idempotencyKey: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  })
  .strict();

export type ResetRequest = z.infer<typeof resetRequestSchema>;
