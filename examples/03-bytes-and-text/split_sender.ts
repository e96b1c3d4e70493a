/**
 * 发一条“1023 个 a + 你好”的消息，“你”的字节正好跨过第 1024 字节。发完就关闭连接。和 split_sender.py 一样。
 * 用法：node split_sender.ts [编码，utf-8（默认）或 gb2312]
 */
import { once } from 'node:events';
import { createConnection } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2333;

const encoding = process.argv[2] ?? 'utf-8';
// Node 只会编码 UTF-8，没有 GB2312 编码器，所以这里直接写出“你好”的 GB2312 字节
const hello = encoding === 'gb2312' ? Buffer.from('c4e3bac3', 'hex') : Buffer.from('你好', 'utf8');
const data = Buffer.concat([Buffer.alloc(1023, 'a'), hello]);
const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
sock.end(data);
await once(sock, 'finish'); // 全部交给了内核
sock.destroy(); // 关闭连接，和 split_sender.py 的 with 块结束时一样
const tail = [...data.subarray(1023)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
console.log(`用 ${encoding} 发出 ${data.length} 字节: 1023 个 a，然后是“你好”: ${tail}`);
