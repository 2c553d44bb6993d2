import { startSimulation } from '@bsp/kube-sim';
import { HelpRequested, parseArgs } from './cli-options';

async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    const help = err instanceof HelpRequested;
    (help ? console.log : console.error)((err as Error).message);
    process.exit(help ? 0 : 2);
  }
  const sim = await startSimulation(options);
  console.log(`kube-sim: ${sim.clusters.length} cluster(s), one WhatsApp network`);
  for (const c of sim.clusters) {
    console.log(
      `  ${c.name}  region=${c.region}  zones=${c.zones.join(',')}  ${c.url}  (fault API: ${c.url}/sim/v1/)`,
    );
    console.log(`    nodes: ${c.nodes.join(' ')}`);
  }
  console.log(`kubeconfig: ${sim.kubeconfigPath}`);
  console.log(
    `  export KUBECONFIG=${sim.kubeconfigPath}   # contexts: ${sim.clusters.map((c) => c.name).join(', ')}`,
  );
  sim.network.on('violation', (v: { number: string; pods: string[] }) =>
    console.log(`kube-sim: VIOLATION: two instances of ${v.number}: ${v.pods.join(', ')}`),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`kube-sim: ${signal}, stopping`);
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
