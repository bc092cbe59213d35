import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['schema/**/*.test.ts', 'web/**/*.test.ts', 'worker/**/*.test.ts', 'probe/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // network suites create namespaces and processes: run files one at a time on a 2-core machine
    fileParallelism: false,
    // the second names any file whose worker died (vitest's own report of that names no file)
    reporters: ['default', './tests/support/unfinished-reporter.ts'],
    // Probes started by the suites (in-process or spawned with this environment) never ask this machine's resolver:
    // a PTR lookup of a test address would leave the machine. Port 9 on loopback answers nothing; the names suite
    // points DNS_SERVER at its own dnsmasq inside a test namespace.
    env: { DNS_SERVER: '127.0.0.1:9', NETFLOW_ENABLED: '0' },
  },
});
