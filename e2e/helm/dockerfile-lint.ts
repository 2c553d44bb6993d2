/**
 * A small Dockerfile checker (no hadolint here): the rules this project cares about.
 * - every FROM names a stage defined earlier or an image with an explicit tag or digest, never `latest`;
 * - the final stage of every target switches to a non-root USER (numeric, not 0, not root);
 * - no ADD of a URL (use a checked download in a RUN, or COPY);
 * - no `latest` anywhere; no secret-looking ENV or ARG with a value.
 */
export interface Finding {
  line: number;
  rule: string;
  message: string;
}

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined; comments and blank lines dropped. */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      line = `${line.trimEnd().slice(0, -1)} ${lines[++i]!.trim()}`;
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (m) out.push({ line: start + 1, keyword: m[1]!.toUpperCase(), args: m[2]!.trim() });
  }
  return out;
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PEPPER|PRIVATE_KEY|API_KEY|_URL)$/i;

export function lintDockerfile(text: string): Finding[] {
  const findings: Finding[] = [];
  const stages: { name?: string; from: Instruction; user?: string }[] = [];
  for (const ins of instructions(text)) {
    if (/\blatest\b/.test(ins.args)) findings.push({ line: ins.line, rule: 'no-latest', message: ins.args });
    switch (ins.keyword) {
      case 'FROM': {
        const [image = '', as, name] = ins.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
        const known = stages.some((s) => s.name === image);
        if (!known && !/^[^:@\s]+(:[\w][\w.-]*)?(@sha256:[a-f0-9]{64})?$/.test(image)) {
          findings.push({ line: ins.line, rule: 'bad-from', message: image });
        } else if (!known && !image.includes(':') && !image.includes('@')) {
          findings.push({ line: ins.line, rule: 'unpinned-base', message: `${image} has no tag or digest` });
        }
        // A stage built from another inherits its user.
        const parent = stages.find((s) => s.name === image);
        stages.push({ name: as?.toUpperCase() === 'AS' ? name : undefined, from: ins, user: parent?.user });
        break;
      }
      case 'USER':
        if (stages.length > 0) stages.at(-1)!.user = ins.args;
        break;
      case 'ADD':
        if (/(^|\s)(https?|ftp):\/\//i.test(ins.args) || /\bgit@/.test(ins.args)) {
          findings.push({ line: ins.line, rule: 'add-url', message: ins.args });
        }
        break;
      case 'ENV':
      case 'ARG': {
        for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(=|\s+)("[^"]*"|\S+)?/g)) {
          if (SECRET_NAME.test(m[1]!) && m[3]) {
            findings.push({ line: ins.line, rule: 'secret-in-layer', message: m[1]! });
          }
        }
        break;
      }
      default:
        break;
    }
  }
  if (stages.length === 0) findings.push({ line: 1, rule: 'no-from', message: 'no FROM' });
  // Every stage no other stage builds FROM or copies from is a target: it must not run as root.
  const usedAsBase = new Set([
    ...stages.map((s) => s.from.args.split(/\s+/)[0]),
    ...[...text.matchAll(/--from=(\S+)/g)].map((m) => m[1]),
  ]);
  for (const s of stages) {
    if (s.name && usedAsBase.has(s.name)) continue;
    const user = s.user?.split(':')[0];
    if (!user || user === 'root' || user === '0' || !/^\d+$/.test(user)) {
      findings.push({
        line: s.from.line,
        rule: 'root-user',
        message: `stage ${s.name ?? '(unnamed)'} ends without a numeric non-root USER`,
      });
    }
  }
  return findings;
}
