/**
 * 一个故意违反 WebSocket 协议的客户端，用来看服务端怎么用关闭码拒绝它（和 bad_client.py 一样）。
 *
 *     node bad_client.ts unmasked   发一个没加掩码的文本帧 → 服务端应该回 1002（协议错误）
 *     node bad_client.ts big        发一条 100 000 字节的消息 → 服务端应该回 1009（消息太大）
 *
 * 握手是正常的：随机生成 Sec-WebSocket-Key，并检查服务端回的 Sec-WebSocket-Accept 对不对。
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createConnection } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2333;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MODES = ['unmasked', 'big'];

const mode = process.argv[2] ?? '';
if (process.argv.length !== 3 || !MODES.includes(mode)) {
  console.error(`用法: node bad_client.ts ${MODES.join('|')}`);
  process.exit(1);
}

const hex = (data: Buffer) => [...data].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** 组一个 FIN=1 的帧。给了 4 字节的 maskKey 就加掩码（MASK=1），不给就是 MASK=0 */
function frame(opcode: number, payload: Buffer, maskKey?: Buffer): Buffer {
  const n = payload.length;
  const maskBit = maskKey ? 0x80 : 0;
  let header: Buffer;
  if (n < 126) {
    header = Buffer.from([0x80 | opcode, maskBit | n]);
  } else if (n < 1 << 16) {
    header = Buffer.from([0x80 | opcode, maskBit | 126, 0, 0]);
    header.writeUInt16BE(n, 2);
  } else {
    header = Buffer.from([0x80 | opcode, maskBit | 127, 0, 0, 0, 0, 0, 0, 0, 0]);
    header.writeBigUInt64BE(BigInt(n), 2);
  }
  if (!maskKey) return Buffer.concat([header, payload]);
  const masked = Buffer.from(payload.map((b, i) => b ^ maskKey[i % 4]!));
  return Buffer.concat([header, maskKey, masked]);
}

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
sock.on('error', () => {}); // 出错会让下面的读取抛出异常，在那里处理

// 带缓冲的读：读一行、读满 n 个字节（相当于 Python 的 sock.makefile("rb")）
const chunks: AsyncIterator<Buffer> = sock[Symbol.asyncIterator]();
let buffer = Buffer.alloc(0);
async function fill(): Promise<boolean> {
  const chunk = await chunks.next();
  if (chunk.done) return false;
  buffer = Buffer.concat([buffer, chunk.value]);
  return true;
}
function take(n: number): Buffer {
  const data = buffer.subarray(0, n);
  buffer = buffer.subarray(n);
  return data;
}
async function readLine(): Promise<string> {
  while (buffer.indexOf(0x0a) < 0) if (!(await fill())) return take(buffer.length).toString('latin1');
  return take(buffer.indexOf(0x0a) + 1).toString('latin1');
}
class EOFError extends Error {}
async function readExact(n: number): Promise<Buffer> {
  while (buffer.length < n) if (!(await fill())) throw new EOFError();
  return take(n);
}

// 1、握手：Sec-WebSocket-Key 是 16 个随机字节的 base64
const key = randomBytes(16).toString('base64');
sock.write(
  'GET / HTTP/1.1\r\n' +
    `Host: ${HOST}:${PORT}\r\n` +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Key: ${key}\r\n` +
    'Sec-WebSocket-Version: 13\r\n' +
    '\r\n',
);
const status = (await readLine()).replace(/\r?\n$/, '');
console.log(`握手响应: ${status}`);
let accept: string | null = null;
for (let line = await readLine(); line !== '\r\n' && line !== ''; line = await readLine()) {
  const colon = line.indexOf(':');
  if (line.slice(0, colon).trim().toLowerCase() === 'sec-websocket-accept') accept = line.slice(colon + 1).trim();
}
const expected = createHash('sha1')
  .update(key + GUID)
  .digest('base64');
console.log(`Sec-WebSocket-Accept: ${accept}（${accept === expected ? '正确' : `不对，应该是 ${expected}`}）`);
if (!status.startsWith('HTTP/1.1 101')) {
  sock.destroy();
  process.exit();
}

// 2、故意违反协议
let data: Buffer;
if (mode === 'unmasked') {
  data = frame(0x1, Buffer.from('hello'));
  console.log(`发一个没加掩码的文本帧 'hello'（MASK=0）: ${hex(data)}`);
} else {
  data = frame(0x1, Buffer.alloc(100_000, 'x'), randomBytes(4));
  console.log(`发一条 100000 字节的文本消息，帧头 ${hex(data.subarray(0, 14))}`);
}
sock.write(data);

// 3、看服务端回了什么
try {
  while (true) {
    const [b0, b1] = await readExact(2);
    const opcode = b0! & 0x0f;
    let length = b1! & 0x7f;
    if (length === 126) length = (await readExact(2)).readUInt16BE(0);
    else if (length === 127) length = Number((await readExact(8)).readBigUInt64BE(0));
    const payload = await readExact(length);
    if (opcode === 0x8) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      console.log(`收到关闭帧: 关闭码 ${code} 原因 '${payload.subarray(2).toString('utf8')}'`);
    } else {
      console.log(`收到帧: opcode=0x${opcode.toString(16).toUpperCase()} 长度=${length}`);
    }
  }
} catch (err) {
  if (err instanceof EOFError) console.log('服务端关闭了 TCP 连接');
  else console.log(`连接出错: ${err instanceof Error ? err.message : String(err)}`);
}
sock.destroy();
