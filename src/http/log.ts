export type LogEntry = Record<string, string | number | boolean | null | undefined>;
export type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: LogEntry) => void;

/**
 * One JSON object a line on stdout. Callers pass route patterns, ids and codes, never
 * bodies, emails, phone numbers or tokens, so logs carry no personal data.
 */
export const jsonLog: Log = (level, message, fields = {}) => {
  // console.log rather than process.stdout: Workers capture it as the request's logs too.
  console.log(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
};

export const silentLog: Log = () => {};
