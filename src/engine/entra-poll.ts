/**
 * Entra's first daily poll of a federated domain's metadata, in days before the signing certificate
 * expires (DESIGN §1: "From 35 days before expiry it polls the metadata daily"; seed 000). Rule 4's
 * deadline for a manual renewal, the timeline's amber segment and every lead counts from it.
 */
export const ENTRA_POLL_DAYS = 35;
