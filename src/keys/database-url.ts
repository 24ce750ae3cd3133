import { SelScraperError } from '../errors.ts';

export interface DatabaseTarget {
  /** Passed to pg as is. */
  connectionString: string;
  /** host:port/database, for messages: no user, no password. */
  label: string;
  /** What must never appear in output: the URL itself and its password. */
  secrets: string[];
}

/**
 * Reads a DATABASE_URL without ever echoing it, since it holds a password; a URL that does not
 * parse is described by what is wrong with it, not by its text.
 */
export function parseDatabaseUrl(connectionString: string): DatabaseTarget {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new SelScraperError('ERR_USAGE', 'DATABASE_URL is not a URL', { hint: 'expected postgres://user:password@host:5432/database' });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new SelScraperError('ERR_USAGE', `DATABASE_URL has scheme "${url.protocol}", not postgres:`, {
      hint: 'expected postgres://user:password@host:5432/database',
    });
  }
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
  const password = decodeURIComponent(url.password);
  return {
    connectionString,
    label: `${host}${url.port ? `:${url.port}` : ''}/${database}`,
    secrets: [connectionString, ...(password ? [password, url.password] : [])],
  };
}
