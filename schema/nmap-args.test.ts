import { describe, expect, it } from 'vitest';
import { checkNmapArgs, DEFAULT_NMAP_ARGS, wantsRawSockets } from './nmap-args.js';

describe('checkNmapArgs', () => {
  it.each<[string, string | string[], string[]]>([
    ['the defaults', [...DEFAULT_NMAP_ARGS], [...DEFAULT_NMAP_ARGS]],
    ['the defaults as one string', DEFAULT_NMAP_ARGS.join(' '), [...DEFAULT_NMAP_ARGS]],
    ['nothing', '', []],
    ['only whitespace', ' \t\n ', []],
    ['runs of spaces, tabs and newlines between tokens', '  -Pn\t-sT \n -sV  ', ['-Pn', '-sT', '-sV']],
    ['every timing digit', '-T0', ['-T0']],
    ['-T5', '-T5', ['-T5']],
    ['-T with a separate digit (nmap reads -T 4 too)', '-T 4', ['-T4']],
    ['a timing name, any case', '-Tinsane', ['-T5']],
    ['a separate timing name', ['-T', 'Paranoid'], ['-T0']],
    ['--top-ports N', '--top-ports 100', ['--top-ports', '100']],
    ['--top-ports=N', '--top-ports=65535', ['--top-ports', '65535']],
    ['a number with leading zeros', '--top-ports 0010', ['--top-ports', '10']],
    ['-p list', '-p 22,80,1000-2000', ['-p', '22,80,1000-2000']],
    ['-p attached', '-p22', ['-p', '22']],
    ['-p protocol prefixes', '-sU -sT -p T:22,80,U:53', ['-sU', '-sT', '-p', 'T:22,80,U:53']],
    ['-p edge ports', '-p 1,65535,1-65535', ['-p', '1,65535,1-65535']],
    ['a one-port range', '-p 80-80', ['-p', '80-80']],
    ['-sS with -sU and -sV', '-sS -sU -sV', ['-sS', '-sU', '-sV']],
    ['--version-intensity', '-sV --version-intensity 0', ['-sV', '--version-intensity', '0']],
    ['--version-intensity=9', '--version-intensity=9', ['--version-intensity', '9']],
    ['--max-retries=10', '--max-retries=10', ['--max-retries', '10']],
    ['--host-timeout in ms', '--host-timeout 500ms', ['--host-timeout', '500ms']],
    ['--host-timeout plain seconds', '--host-timeout 30', ['--host-timeout', '30000ms']],
    ['--host-timeout minutes', '--host-timeout=5m', ['--host-timeout', '300000ms']],
    ['--host-timeout fractional hours, unit in any case', '--host-timeout 1.5H', ['--host-timeout', '5400000ms']],
    ['--host-timeout of exactly 24h', '--host-timeout 24h', ['--host-timeout', '86400000ms']],
    ['rates', '--min-rate 0.5 --max-rate=100000', ['--min-rate', '0.5', '--max-rate', '100000']],
    ['equal rates', '--min-rate 50 --max-rate 50', ['--min-rate', '50', '--max-rate', '50']],
    ['every allowed option at once', ['-Pn', '-sT', '-sV', '-sU', '-T', '4', '-p', '22', '--top-ports', '10', '--version-intensity', '2', '--max-retries', '1', '--host-timeout', '1m', '--min-rate', '1', '--max-rate', '2'], ['-Pn', '-sT', '-sV', '-sU', '-T4', '-p', '22', '--top-ports', '10', '--version-intensity', '2', '--max-retries', '1', '--host-timeout', '60000ms', '--min-rate', '1', '--max-rate', '2']],
  ])('accepts %s', (_name, input, args) => {
    expect(checkNmapArgs(input)).toEqual({ ok: true, args });
  });

  it.each<[string | string[], string, RegExp]>([
    // options that read or write files, run scripts, spoof, or change what is scanned
    ['-iL /etc/passwd', '-iL', /-iL is not allowed \(allowed: -T0\.\.-T5, --top-ports N, -p PORTS/],
    ['-oN /tmp/x', '-oN', /-oN is not allowed/],
    ['-sT -oX /tmp/out.xml', '-oX', /-oX is not allowed/],
    ['-oX -', '-oX', /-oX is not allowed/],
    ['-oG -', '-oG', /not allowed/],
    ['-oA base', '-oA', /not allowed/],
    ['--script vuln', '--script', /--script is not allowed/],
    ['--script=vuln', '--script=vuln', /--script=vuln is not allowed/],
    ['--script-args user=x', '--script-args', /not allowed/],
    ['--resume /tmp/scan.gnmap', '--resume', /not allowed/],
    ['--datadir /tmp', '--datadir', /not allowed/],
    ['--proxies socks4://192.0.2.4:1080', '--proxies', /not allowed/],
    ['-D RND:10', '-D', /not allowed/],
    ['-S 192.0.2.9', '-S', /not allowed/],
    ['-e eth0', '-e', /not allowed/],
    ['--interactive', '--interactive', /not allowed/],
    ['--privileged', '--privileged', /not allowed/],
    ['-sC', '-sC', /not allowed/],
    ['-A', '-A', /not allowed/],
    ['-O', '-O', /not allowed/],
    ['--exclude-file /etc/shadow', '--exclude-file', /not allowed/],
    ['-6', '-6', /not allowed/],
    ['-sn', '-sn', /not allowed/],
    ['-sSV', '-sSV', /not allowed/],
    ['-top-ports 10', '-top-ports', /not allowed/], // nmap reads single-dash long options; only the -- spelling is on the list
    ['--', '--', /not allowed/],
    ['-', '-', /not allowed/],
    ['-PS22', '-PS22', /not allowed/],
    ['-sV --version-all', '--version-all', /not allowed/],
    // targets are never arguments
    ['-sT 192.0.2.1', '192.0.2.1', /^"192\.0\.2\.1" is not an option: targets are not arguments/],
    ['scanme.nmap.org', 'scanme.nmap.org', /targets are not arguments/],
    ['-sV 22', '22', /targets are not arguments/],
    ['-p 22 80', '80', /targets are not arguments/],
    // missing and invalid values
    ['--top-ports', '--top-ports', /^--top-ports needs a whole number 1\.\.65535$/],
    ['--top-ports 1e9', '--top-ports', /--top-ports 1e9 is not valid: --top-ports needs a whole number 1\.\.65535/],
    ['--top-ports 0', '--top-ports', /needs a whole number 1\.\.65535/],
    ['--top-ports=', '--top-ports=', /is not valid/],
    ['--top-ports -sV', '--top-ports', /--top-ports -sV is not valid/],
    ['-p', '-p', /^-p needs ports 1\.\.65535/],
    ['-p 0', '-p', /-p 0 is not valid: -p needs ports 1\.\.65535/],
    ['-p 70000', '-p', /-p 70000 is not valid/],
    ['-p0', '-p0', /-p 0 is not valid/],
    ['-p 22-21', '-p', /is not valid/],
    ['-p 22,', '-p', /is not valid/],
    ['-p -', '-p', /is not valid/],
    ['-p-', '-p-', /is not valid/],
    ['-p 1-', '-p', /is not valid/],
    ['-p http', '-p', /is not valid/],
    ['-p S:22', '-p', /is not valid/],
    ['-p 022222', '-p', /is not valid/],
    ['-T6', '-T6', /-T 6 is not valid: -T needs a timing template 0\.\.5/],
    ['-T', '-T', /-T needs a timing template/],
    ['-Tfast', '-Tfast', /is not valid/],
    ['--version-intensity 10', '--version-intensity', /needs a whole number 0\.\.9/],
    ['--max-retries 11', '--max-retries', /needs a whole number 0\.\.10/],
    ['--max-retries -1', '--max-retries', /is not valid/],
    ['--host-timeout 0', '--host-timeout', /needs a time up to 24h/],
    ['--host-timeout 25h', '--host-timeout', /is not valid/],
    ['--host-timeout 90000000', '--host-timeout', /is not valid/],
    ['--host-timeout 5d', '--host-timeout', /is not valid/],
    ['--host-timeout 0.4ms', '--host-timeout', /is not valid/],
    ['--min-rate 0', '--min-rate', /needs a rate above 0/],
    ['--max-rate 100001', '--max-rate', /is not valid/],
    ['--min-rate 1e3', '--min-rate', /is not valid/],
    // combinations nmap itself refuses
    ['-sT -sS', '-sS', /-sT and -sS are both TCP scan types/],
    ['--max-rate 10 --min-rate 20', '--min-rate', /--min-rate 20 is above --max-rate 10/],
    ['-p 22 -p 80', '-p', /-p is given twice/],
    ['-T4 -T 5', '-T', /-T is given twice/],
    ['--top-ports 10 --top-ports=20', '--top-ports=20', /given twice/],
    // bounds and characters
    [Array.from({ length: 33 }, (_, i) => (i === 32 ? '-sU' : '-Pn')), '-sU', /at most 32 nmap arguments/],
    [['-p', `${'1,'.repeat(50)}1`], `${'1,'.repeat(50)}1`.slice(0, 100) + '…', /at most 100 characters/],
    [['-p', '22\u000080'], '22\u000080', /printable ASCII/],
    [['-sT\u0007'], '-sT\u0007', /control characters/],
    ['-sT\u0000', '-sT\u0000', /control characters/],
    [['-p 22'], '-p 22', /no spaces/],
    ['-p\u00a022', '-p\u00a022', /printable ASCII/], // a no-break space does not split
    ['\u2010sT', '\u2010sT', /printable ASCII/], // a Unicode hyphen is not an option
  ])('refuses %j (option %j)', (input, option, message) => {
    const result = checkNmapArgs(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.option).toBe(option);
    expect(result.message).toMatch(message);
    expect(result.message.length).toBeLessThan(400);
  });

  it('refuses what is not a list of strings at run time', () => {
    expect(checkNmapArgs(['-sT', 5 as unknown as string])).toMatchObject({ ok: false, option: '5' });
    expect(checkNmapArgs({} as unknown as string[])).toMatchObject({ ok: false, message: 'nmap arguments must be a string or a list of strings' });
  });

  it('echoes at most 100 characters of an overlong refused token', () => {
    const result = checkNmapArgs(`--${'x'.repeat(10_000)}`);
    expect(result).toMatchObject({ ok: false, option: `--${'x'.repeat(98)}…` });
    if (!result.ok) expect(result.message.length).toBeLessThan(200);
  });
});

describe('wantsRawSockets', () => {
  it.each<[string[], boolean]>([
    [[...DEFAULT_NMAP_ARGS], false],
    [['-sS'], true],
    [['-Pn', '-sS', '-sV'], true],
    [['-sU', '-p', '53'], false],
    [['-sT', '-sV'], false],
    [[], false],
  ])('%j → %s', (args, raw) => {
    expect(wantsRawSockets(args)).toBe(raw);
  });
});
