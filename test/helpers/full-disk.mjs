// Loaded with `node --import` into a bin/sel-scraper child: the disk under FULL_DISK_DIR fills up
// after FULL_DISK_BYTES bytes have been written there, as a real one does mid-run (a short write
// first, then ENOSPC on every write), so a test can watch the run that follows. Root ignores
// file modes, so a read-only folder cannot stand in for a full disk in CI.
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const dir = path.resolve(process.env.FULL_DISK_DIR ?? '/nonexistent');
let room = Number(process.env.FULL_DISK_BYTES ?? 0);
const onTheDisk = new Set();

const open = fs.openSync;
fs.openSync = function (file, ...rest) {
  const fd = open.call(this, file, ...rest);
  if (path.resolve(String(file)).startsWith(dir + path.sep)) onTheDisk.add(fd);
  return fd;
};

const close = fs.closeSync;
fs.closeSync = function (fd) {
  onTheDisk.delete(fd);
  return close.call(this, fd);
};

const write = fs.writeSync;
fs.writeSync = function (fd, data, ...rest) {
  if (!onTheDisk.has(fd)) return write.call(this, fd, data, ...rest);
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data, typeof rest[1] === 'string' ? rest[1] : 'utf8')
      : Buffer.from(data.buffer, data.byteOffset + (rest[0] ?? 0), rest[1] ?? data.byteLength - (rest[0] ?? 0));
  if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  const allowed = bytes.subarray(0, room);
  room -= allowed.length;
  return write.call(this, fd, allowed);
};

syncBuiltinESMExports();
