import { fieldError, type FieldError } from '../store/api-error';

const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const subdomainRe = new RegExp(`^${label}(\\.${label})*$`);
const labelRe = new RegExp(`^${label}$`);

export function validateSubdomain(field: string, value: string): FieldError[] {
  if (value.length > 253) return [fieldError.invalid(field, value, 'must be no more than 253 characters')];
  if (subdomainRe.test(value)) return [];
  return [
    fieldError.invalid(
      field,
      value,
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ),
  ];
}

export function validateLabel(field: string, value: string): FieldError[] {
  if (value.length > 63) return [fieldError.invalid(field, value, 'must be no more than 63 characters')];
  if (labelRe.test(value)) return [];
  return [
    fieldError.invalid(
      field,
      value,
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ),
  ];
}

/** Service names are RFC 1035 labels (must start with a letter). */
export function validateDns1035(field: string, value: string): FieldError[] {
  if (value.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) return [];
  return [
    fieldError.invalid(
      field,
      value,
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ),
  ];
}

const qualifiedNameRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function validateLabels(field: string, labels: Record<string, string> | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const slash = k.lastIndexOf('/');
    const name = slash >= 0 ? k.slice(slash + 1) : k;
    const prefix = slash >= 0 ? k.slice(0, slash) : '';
    if (!qualifiedNameRe.test(name) || name.length > 63 || (prefix && !subdomainRe.test(prefix))) {
      errs.push(
        fieldError.invalid(
          field,
          k,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
      );
    }
    if (typeof v !== 'string' || v.length > 63 || (v !== '' && !qualifiedNameRe.test(v))) {
      errs.push(
        fieldError.invalid(
          field,
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  return errs;
}
