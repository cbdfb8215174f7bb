/** A listen error an operator can act on: which port, which setting moves it. Others pass unchanged. */
export function listenError(err: unknown, port: number, host: string, setting: string, what: string): Error {
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new Error(`port ${port} on ${host} (${what}) is already in use: stop the process listening there, or set ${setting} to a free port`);
  }
  return err as Error;
}
