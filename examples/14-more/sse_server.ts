import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:http';

const HOST = '127.0.0.1';
const PORT = 2333;
const INTERVAL = 2000; // 每 2 秒产生一条新消息

// 每产生一条新消息，发一个 'tick' 事件，所有在等的请求都会收到
const ticks = new EventEmitter();
ticks.setMaxListeners(0);
let id = 0;
setInterval(() => {
  id += 1;
  const time = new Date().toTimeString().slice(0, 8);
  ticks.emit('tick', id, `第 ${id} 条消息，服务端时间 ${time}`);
}, INTERVAL);

const server = createServer(async (req, res) => {
  const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  if (req.url === '/events') {
    // SSE：一个不结束的响应。每条事件是几行“字段: 值”，空行结束一条。
    // 没有 Content-Length，Node 用 HTTP/1.1 的分块编码（chunked）一块一块地发
    console.log(`/events: 开始向 ${peer} 推送`);
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    const send = (n: number, text: string) => res.write(`id: ${n}\ndata: ${text}\n\n`);
    ticks.on('tick', send);
    req.socket.on('close', () => {
      ticks.off('tick', send);
      console.log(`/events: ${peer} 断开了`);
    });
  } else if (req.url === '/poll') {
    // 长轮询：请求先挂着，等有新消息了才回一个普通的、有 Content-Length 的响应
    console.log(`/poll: ${peer} 的请求先挂着，等下一条消息`);
    const [, text] = (await once(ticks, 'tick')) as [number, string];
    const body = `${text}\n`;
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    console.log(`/poll: 已回复 ${peer}`);
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('try /events or /poll\n');
  }
});

server.listen(PORT, HOST, () =>
  console.log(`SSE 服务端已启动: http://${HOST}:${PORT}/events 和 /poll，每 ${INTERVAL / 1000} 秒一条消息`),
);

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
