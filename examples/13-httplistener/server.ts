// 和 Server.cs 做同样的事，用 Node 的 node:http。
// 和 HttpListener 一样，node:http 会替我们读请求、加上 Date、Content-Length 或分块，决定连接是否保持
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const HOST = '127.0.0.1';
const PORT = 2333;

function page(res: ServerResponse): void {
  const html =
    '<!doctype html>\n<title>node:http</title>\n' +
    '<h1>不要回答！！！不要回答！！！不要回答！！！</h1>\n' +
    '<p>这个页面由 Node 的 node:http 发出。</p>\n';
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // 一次 end() 给出整个响应体：Node 知道总长度，自己加上 Content-Length
  res.end(html);
  console.log(`=> 200, Content-Length: ${Buffer.byteLength(html)}`);
}

async function chunked(res: ServerResponse): Promise<void> {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  // 没有设置 Content-Length 就先 write()：Node 不知道总长度，改用 Transfer-Encoding: chunked
  for (const part of ['第一块\n', '第二块\n', '第三块\n']) {
    res.write(part);
    await sleep(500);
  }
  res.end(); // 发出长度为 0 的最后一块
  console.log('=> 200, Transfer-Encoding: chunked');
}

function forgot(res: ServerResponse): void {
  // 故意的错误：写了一块，却永远不 end()
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.write('忘了 end()\n');
  console.log('=> 200，没有 end()：这个响应永远不会结束');
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('Not Found\n');
  console.log('=> 404');
}

function logRequest(req: IncomingMessage): void {
  console.log(`--- 来自 ${req.socket.remoteAddress}:${req.socket.remotePort} 的请求 ---`);
  console.log(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
  for (let i = 0; i < req.rawHeaders.length; i += 2) console.log(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
}

const server = createServer((req, res) => {
  logRequest(req);
  if (req.url === '/') page(res);
  else if (req.url === '/chunked') void chunked(res);
  else if (req.url === '/forgot') forgot(res);
  else notFound(res);
});

// 带 Upgrade: websocket 的请求不走上面的回调，而是交到这里，附带原始的 TCP 套接字：
// 握手要自己做（第 10 课），或者交给 ws 库（第 11 课）。这里只是拒绝
server.on('upgrade', (req, socket) => {
  logRequest(req);
  const body = Buffer.from('这个 node:http 服务端不接受 WebSocket\n');
  socket.end(
    'HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
  console.log('=> 501');
});

server.listen(PORT, HOST);
await once(server, 'listening');
console.log(`node:http 服务端已启动: http://${HOST}:${PORT}/`);

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
