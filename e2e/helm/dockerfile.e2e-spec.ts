import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './chart';
import { instructions, lintDockerfile } from './dockerfile-lint';

const dockerfiles = readdirSync(join(ROOT, 'docker')).filter(
  (f) => f === 'Dockerfile' || f.endsWith('.Dockerfile'),
);

describe('Dockerfiles', () => {
  it.each(dockerfiles)('docker/%s passes the checker', (file) => {
    expect(lintDockerfile(readFileSync(join(ROOT, 'docker', file), 'utf8'))).toEqual([]);
  });

  it('builds api and worker targets from node:20-bookworm-slim with production dependencies only', () => {
    const text = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
    const all = instructions(text);
    const froms = all.filter((i) => i.keyword === 'FROM').map((i) => i.args);
    expect(froms[0]).toBe('node:20-bookworm-slim AS base');
    expect(froms).toEqual(expect.arrayContaining(['runtime AS api', 'runtime AS worker']));
    expect(all.some((i) => i.keyword === 'RUN' && i.args.includes('--omit=dev'))).toBe(true);
    expect(all.filter((i) => i.keyword === 'CMD').map((i) => i.args)).toEqual([
      '["node", "dist/apps/api/src/main.js"]',
      '["node", "dist/apps/worker/src/main.js"]',
    ]);
    // The migrations Job runs this file from the api image: the build checks it exists.
    expect(text).toContain('test -f dist/libs/server/db/src/migrate.cli.js');
  });

  it('the build context leaves out secrets, local data and host dependencies', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', '.data', '**/node_modules', 'dist', '.git', '*.pem'])
      expect(ignore).toContain(entry);
  });

  it.each([
    ['FROM node\nUSER 10001', 'unpinned-base'],
    ['FROM node:latest\nUSER 10001', 'no-latest'],
    ['FROM node:20-bookworm-slim\nRUN true', 'root-user'],
    ['FROM node:20-bookworm-slim\nUSER root', 'root-user'],
    ['FROM node:20-bookworm-slim AS a\nUSER 10001\nFROM a AS b\nUSER 0', 'root-user'],
    ['FROM node:20-bookworm-slim\nADD https://example.com/x.tgz /x\nUSER 1000', 'add-url'],
    ['FROM node:20-bookworm-slim\nENV JWT_SECRET=abc\nUSER 1000', 'secret-in-layer'],
    ['FROM node:20-bookworm-slim\nARG DATABASE_URL=postgresql://u:p@h/db\nUSER 1000', 'secret-in-layer'],
  ])('the checker catches %j', (text, rule) => {
    expect(lintDockerfile(text).map((f) => f.rule)).toContain(rule);
  });

  it('the checker accepts a stage that inherits a non-root user and a digest-pinned base', () => {
    const digest = `node:20-bookworm-slim@sha256:${'a'.repeat(64)}`;
    expect(lintDockerfile(`FROM ${digest} AS a\nUSER 10001:10001\nFROM a AS b\nCMD ["node"]`)).toEqual([]);
  });
});
