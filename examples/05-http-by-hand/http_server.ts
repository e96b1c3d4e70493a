import { once } from 'node:events';
import { createServer } from 'node:http';

const HOST = '127.0.0.1';
const PORT = 2333;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// node:http 替我们读请求头、解析请求行、算 Content-Length、决定连接要不要保持，
// 我们只管写响应体。和 server.ts 对照着看：那边手写的每一行，这里都由库完成
const server = createServer((req, res) => {
  // rawHeaders 是 [名, 值, 名, 值, ...]，保留了客户端发来的原样（大小写、顺序）
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  const requestHead = lines.join('\r\n');
  console.log(`--- 来自 ${req.socket.remoteAddress}:${req.socket.remotePort} 的请求 ---`);
  console.log(requestHead);

  const page =
    '<!doctype html>\n' +
    '<title>不要回答</title>\n' +
    '<h1>不要回答！！！不要回答！！！不要回答！！！</h1>\n' +
    '<p>服务端收到的请求：</p>\n' +
    `<pre>${escapeHtml(requestHead)}</pre>\n`;
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // 一次 end() 就给出整个响应体，Node 会自己加上 Content-Length；
  // 如果先 res.write() 再 end()，Node 不知道总长度，就改用 Transfer-Encoding: chunked
  res.end(page);
});
server.listen(PORT, HOST);
await once(server, 'listening');
console.log(`node:http 服务端已启动: http://${HOST}:${PORT}/`);

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
