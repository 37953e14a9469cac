import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { withDirectoryLock } from './directory-lock';
import { requireMaven } from './host-tools';
import { runCommand } from './run-command';

/** The Maven project that pins the broker and its logging backend. */
export const KAFKA_POM_PATH = resolve(__dirname, '../kafka/pom.xml');
/** Quiet log4j 2 configuration: WARN and above, into the file named by -Dclement.kafka.logFile. */
export const KAFKA_LOG4J_CONFIG_PATH = resolve(__dirname, '../kafka/log4j2.xml');

const COMPLETE_MARKER = '.clement-pom.sha256';

export interface KafkaDistribution {
  version: string;
  libsDir: string;
  /** Java class path covering every jar in libsDir. */
  classpath: string;
}

export interface FetchKafkaJarsOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** The Kafka version pinned in the pom (its `kafka.version` property). */
export function readPinnedKafkaVersion(pomXml: string): string {
  const version = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pomXml)?.[1];
  if (!version) throw new Error(`no <kafka.version> property in ${KAFKA_POM_PATH}`);
  return version;
}

/** `$CLEMENT_CACHE_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/clement`. */
export function clementCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLEMENT_CACHE_DIR) return resolve(env.CLEMENT_CACHE_DIR);
  return join(
    env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'),
    'clement',
  );
}

/**
 * Returns the cached broker jars, resolving them with Maven on the first run. Concurrent first runs
 * wait on a lock and the jars appear by an atomic rename, so readers never see a partial directory.
 * A changed pom (other version or dependencies) invalidates the cache.
 */
export async function fetchKafkaJars(
  options: FetchKafkaJarsOptions = {},
): Promise<KafkaDistribution> {
  const log = options.log ?? (() => undefined);
  const { pomHash, versionDir, ...distribution } = locateKafkaJars(options.env);
  const { version, libsDir } = distribution;

  if (await isCompleteCache(libsDir, pomHash)) return distribution;
  await mkdir(versionDir, { recursive: true });
  await withDirectoryLock(
    join(versionDir, 'fetch.lock'),
    async () => {
      // Someone else may have filled the cache while we waited for the lock.
      if (await isCompleteCache(libsDir, pomHash)) return;
      const mvn = requireMaven(libsDir);
      log(`kafka: fetching Apache Kafka ${version} jars with Maven (first run) into ${libsDir}...`);
      const started = Date.now();
      const staging = join(
        versionDir,
        `libs.staging-${process.pid}-${randomBytes(4).toString('hex')}`,
      );
      try {
        await runMaven(mvn, staging);
        await writeFile(join(staging, COMPLETE_MARKER), pomHash);
        await rm(libsDir, { recursive: true, force: true });
        await rename(staging, libsDir);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      log(`kafka: jars cached in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    },
    { onWait: () => log('kafka: another process is fetching the jars; waiting for it...') },
  );
  return distribution;
}

/** Where the jars are cached and whether they are complete (else fetchKafkaJars runs Maven). */
export function kafkaJarCacheStatus(env: NodeJS.ProcessEnv = process.env): {
  libsDir: string;
  complete: boolean;
} {
  const { libsDir, pomHash } = locateKafkaJars(env);
  return { libsDir, complete: readFileOrUndefined(join(libsDir, COMPLETE_MARKER)) === pomHash };
}

function locateKafkaJars(env: NodeJS.ProcessEnv | undefined) {
  const pomXml = readFileSync(KAFKA_POM_PATH, 'utf8');
  const version = readPinnedKafkaVersion(pomXml);
  const versionDir = join(clementCacheDir(env), `kafka-${version}`);
  const libsDir = join(versionDir, 'libs');
  return {
    version,
    libsDir,
    classpath: join(libsDir, '*'),
    versionDir,
    pomHash: createHash('sha256').update(pomXml).digest('hex'),
  };
}

function readFileOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function isCompleteCache(libsDir: string, pomHash: string): Promise<boolean> {
  const recorded = await readFile(join(libsDir, COMPLETE_MARKER), 'utf8').catch(() => undefined);
  return recorded === pomHash;
}

function runMaven(mvn: string, outputDirectory: string): Promise<void> {
  const args = [
    '-q',
    '-B',
    '-f',
    KAFKA_POM_PATH,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outputDirectory}`,
  ];
  return runCommand(mvn, args, {
    describeFailure: (code) => `kafka: \`${mvn} ${args.join(' ')}\` failed with exit code ${code}`,
  });
}
