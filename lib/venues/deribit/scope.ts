import { VenueError } from "@/lib/venues/errors";

// A Deribit MMP scope is an index ("btc_usd": its default group, i.e. regular orders) or an index
// plus a Mass Quote MMP group ("btc_usd/mm1"). The venue keys MMP by that pair, so one desk row
// is one (index_name, mmp_group). Index and group are capped so the whole scope fits the 64
// characters the config and the reset form accept.
export const DERIBIT_SCOPE_PATTERN = /^[a-z0-9]{2,15}_[a-z0-9]{2,15}(\/[A-Za-z0-9_-]{1,32})?$/;

export interface DeribitScope {
  index: string;
  /** null = the index's default MMP group (regular orders). */
  group: string | null;
}

export function parseDeribitScope(scope: string): DeribitScope {
  if (!DERIBIT_SCOPE_PATTERN.test(scope)) {
    throw new VenueError(
      "bad_scope",
      `Deribit: "${scope}" is not an index_name or index_name/mmp_group`,
    );
  }
  const [index = "", group] = scope.split("/");
  return { index, group: group ?? null };
}

export const deribitScope = (index: string, group?: string | null): string =>
  group ? `${index}/${group}` : index;
