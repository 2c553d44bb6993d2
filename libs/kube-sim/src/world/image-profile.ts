import { CoreAppProcess } from './coreapp.process';
import { FencingAgentProcess } from './fencing-agent.process';
import { GenericProcess } from './generic.process';
import { type ProcessContext, type ProcessKind, type SimProcess } from './sim-process';
import { WebAppProcess } from './webapp.process';

/** Which images run as which simulated process: glob patterns (`*` wildcard) on the full image reference. */
export interface ImageProfile {
  webapp: string[];
  coreapp: string[];
  fencingAgent: string[];
}

export const DEFAULT_IMAGE_PROFILE: ImageProfile = {
  webapp: ['*whatsapp*web*', '*web*app*'],
  coreapp: ['*coreapp*', '*whatsapp*core*'],
  fencingAgent: ['*fencing*agent*', '*fence*'],
};

export function matchImage(profile: ImageProfile, image: string): ProcessKind {
  const ref = image.toLowerCase();
  if (profile.webapp.some((p) => globMatch(p, ref))) return 'webapp';
  if (profile.coreapp.some((p) => globMatch(p, ref))) return 'coreapp';
  if (profile.fencingAgent.some((p) => globMatch(p, ref))) return 'fencing-agent';
  return 'generic';
}

export function createProcess(profile: ImageProfile, ctx: ProcessContext): SimProcess {
  const kind = matchImage(profile, ctx.image);
  switch (kind) {
    case 'webapp':
      return new WebAppProcess(ctx);
    case 'coreapp':
      return new CoreAppProcess(ctx);
    case 'fencing-agent':
      return new FencingAgentProcess(ctx);
    case 'generic':
      return new GenericProcess(ctx, kind);
  }
}

export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.toLowerCase().split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
