import { textResponse, type SimHttpRequest, type SimHttpResponse } from './sim-http';
import { SimProcess, type ProcessKind } from './sim-process';

/** Any image the world does not know: starts, logs, and answers every GET with 200 so probes pass. */
export class GenericProcess extends SimProcess {
  constructor(
    ctx: SimProcess['ctx'],
    readonly kind: ProcessKind = 'generic',
  ) {
    super(ctx);
  }

  protected override onStart(): void {
    this.log(`${this.ctx.container} started (image ${this.ctx.image})`);
  }

  protected override onStop(graceful: boolean): void {
    this.log(graceful ? 'received SIGTERM, exiting' : 'killed');
  }

  protected serve(req: SimHttpRequest): SimHttpResponse {
    if (req.method === 'GET' || req.method === 'HEAD') return textResponse(200, 'ok\n');
    return textResponse(405, 'method not allowed\n');
  }
}
