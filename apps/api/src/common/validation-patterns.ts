/** A Kubernetes-style label: what regions and zones are named like (e.g. eu-central, eu-central-1a). */
export const REGION_PATTERN = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;
/** DNS label: slugs and cluster names become parts of namespace and host names. */
export const DNS_LABEL_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** At least one visible character: names are trimmed before they are stored, so blank would mean empty. */
export const NOT_BLANK_PATTERN = /\S/;
