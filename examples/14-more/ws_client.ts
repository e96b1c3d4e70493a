import { once } from 'node:events';
import WebSocket from 'ws';

const URI = process.argv[2] ?? 'ws://127.0.0.1:2333/chat';
const MESSAGES = ['你好，我是 Node 的 ws 客户端', '第二条消息'];

const ws = new WebSocket(URI); // 握手：一次 HTTP 请求，101 Switching Protocols
ws.on('error', (err) => {
  console.error(`连不上服务端: ${err.message}`);
  process.exit(1);
});
await once(ws, 'open');
console.log(`已连接 ${URI}`);
for (const message of MESSAGES) {
  ws.send(message);
  console.log(`发送: ${message}`);
  const [reply] = await once(ws, 'message');
  console.log(`回复: ${String(reply)}`);
}
ws.close(1000); // 发送关闭帧（1000 表示正常关闭）并等对方回应
const [code] = await once(ws, 'close');
console.log(`已关闭，关闭码 ${code}`);
