/**
 * Child process: dynalite (a DynamoDB-protocol server, in memory) on
 * 127.0.0.1, a free port, which it tells the parent over IPC. Exits when the
 * parent goes away. The argument only names the twin's work folder, so a
 * leftover process can be found by it.
 *
 * usage (forked by servers.ts): dynamodb-server.ts WORK_DIR
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// dynalite ships no types. Tables are ACTIVE at once (DynamoDB takes seconds; nothing here waits on it).
const dynalite = require('dynalite') as (options: { createTableMs: number; deleteTableMs: number }) => Server;

const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('disconnect', stop);
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
