/**
 * Parses a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file: `name=value` lines and heredoc blocks
 * `name<<DELIMITER` … `DELIMITER`, as the runner reads them.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const heredoc = line.indexOf('<<');
    const equals = line.indexOf('=');
    if (heredoc > 0 && (equals === -1 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] as string);
      if (i >= lines.length) throw new Error(`Matching delimiter not found '${delimiter}'`);
      result[name] = value.join('\n');
    } else if (equals > 0) {
      result[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`Invalid format '${line}'`);
    }
  }
  return result;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** Workflow commands (`::error …::msg`, `::add-mask::x`) the action printed on stdout. */
export function parseWorkflowCommands(stdout: string): { annotations: Annotation[]; masks: string[]; debug: string[] } {
  const annotations: Annotation[] = [];
  const masks: string[] = [];
  const debug: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(line);
    if (!match) continue;
    const [, command, props, data] = match as unknown as [string, string, string | undefined, string];
    const properties: Record<string, string> = {};
    for (const pair of (props ?? '').trim().split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    if (command === 'error' || command === 'warning' || command === 'notice') annotations.push({ level: command, message: unescapeData(data), properties });
    else if (command === 'add-mask') masks.push(unescapeData(data));
    else if (command === 'debug') debug.push(unescapeData(data));
  }
  return { annotations, masks, debug };
}
