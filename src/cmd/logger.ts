import { pino, type Logger } from 'pino'

/** JSON logs on stdout (one line per event), as every Nubis process writes them. */
export function createLogger(level: string, debug: boolean): Logger {
  return pino({
    level: debug ? 'debug' : level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  })
}
