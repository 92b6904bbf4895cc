/**
 * nmcli's terse output (`--terse`, escaping on by default): fields separated by ':', with ':' and '\'
 * inside a value written '\:' and '\\' (nmcli(1), options --terse and --escape). Splitting on every ':'
 * breaks on an SSID or a D-Bus path that holds one, which is node-wifi's parser bug; this does not.
 */
export function splitTerse(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      current += line[i + 1];
      i++;
    } else if (c === ':') {
      fields.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  fields.push(current);
  return fields;
}

/** The leading integer of a value such as "2437 MHz" or "100 (connected)": units and words are translated. */
export function leadingInt(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^\s*(\d{1,6})(?:\s|$)/.exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
