/**
 * 只搬运字节、从不编码解码的客户端，和 bytes_client.py 一样。
 * 你在终端里输入的字节原样发出去，服务端回复的字节原样写到终端上。这些字节按什么编码显示成文字，
 * 由终端决定：实验区每个终端右上角都有一个“编码”菜单。
 */
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const HOST = '127.0.0.1';
const PORT = 2333;

/** 从标准输入读一行，返回原始字节（不含换行），不解码 */
async function readLineBytes(): Promise<Buffer> {
  let line = Buffer.alloc(0);
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    line = Buffer.concat([line, chunk]);
    const end = line.indexOf(0x0a);
    if (end !== -1) return line.subarray(0, end).subarray(0, line[end - 1] === 0x0d ? end - 1 : end);
  }
  return line;
}

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
console.log(`已连接到 ${HOST}:${PORT}，输入一行回车发送`);
process.stdout.write('>>');

const chunks: Buffer[] = [];
let closed = false;
sock.on('data', (data: Buffer) => chunks.push(data));
sock.on('close', () => (closed = true));
sock.on('error', () => {}); // 服务端崩溃时连接可能被重置，'close' 事件会告诉我们

const line = await readLineBytes();
process.stdin.pause();
// 只发这一行：end() 发完就告诉服务端“我不再发了”，但还能接着收回复（第 4 课细讲）
sock.end(line);
console.log(`发出 ${line.length} 字节: ${[...line].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);

// 笔记的服务端分两次 send 回复，也没有分帧（第 2 课），回复什么时候算完？
// 这里只能猜：0.5 秒内没有新数据，就当它发完了
let seen = -1;
while (chunks.length !== seen && !closed) {
  seen = chunks.length;
  await sleep(500);
}
const reply = Buffer.concat(chunks);
if (reply.length > 0) {
  console.log(`收到 ${reply.length} 字节，原样输出:`);
  // process.stdout.write(Buffer)：把字节原样写给终端，不编码
  process.stdout.write(Buffer.concat([reply, Buffer.from('\n')]));
}
if (closed) console.log('服务端关闭了连接');
else if (reply.length === 0) console.log('0.5 秒内没有收到回复');
sock.destroy();
