import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Kafka 4 brokers need Java 17 or newer. */
export const MINIMUM_JAVA_VERSION = 17;

const OVERRIDE_HINT = 'or point KAFKA_BROKERS at an existing broker';

export interface JavaRuntime {
  command: string;
  majorVersion: number;
}

/** Finds `java` ($JAVA_HOME/bin/java first, then PATH) and checks it can run Kafka. */
export function findJava(env: NodeJS.ProcessEnv = process.env): JavaRuntime {
  const command = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
  const result = spawnSync(command, ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `kafka: cannot run \`${command}\` (${result.error.message}). The local Kafka broker needs a ` +
        `Java ${MINIMUM_JAVA_VERSION}+ runtime: install one (e.g. \`apt-get install -y ` +
        `openjdk-17-jre-headless\`) and put it on PATH or set JAVA_HOME, ${OVERRIDE_HINT}.`,
    );
  }
  // `java -version` reports on stderr.
  const output = `${result.stderr}${result.stdout}`;
  const majorVersion = parseJavaMajorVersion(output);
  if (majorVersion === undefined || majorVersion < MINIMUM_JAVA_VERSION) {
    throw new Error(
      `kafka: \`${command}\` is not Java ${MINIMUM_JAVA_VERSION}+ (it reports: ` +
        `${output.split('\n')[0]?.trim()}). Install a newer JDK/JRE or set JAVA_HOME, ${OVERRIDE_HINT}.`,
    );
  }
  return { command, majorVersion };
}

/** Reads the major version from `java -version` output: `"17.0.15"` gives 17, `"1.8.0_402"` gives 8. */
export function parseJavaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Checks Apache Maven is available; only needed while the Kafka jars are not cached yet. */
export function requireMaven(cacheDir: string): string {
  const result = spawnSync('mvn', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `kafka: the broker jars are not cached in ${cacheDir} yet and \`mvn\` (Apache Maven) ` +
        `cannot run (${result.error?.message ?? `exit code ${result.status}`}). Install Maven ` +
        `(e.g. \`apt-get install -y maven\`), copy a filled cache there, ${OVERRIDE_HINT}.`,
    );
  }
  return 'mvn';
}
