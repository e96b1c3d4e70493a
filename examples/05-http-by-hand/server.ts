import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2333;
// 请求头最多收这么多字节，防止有人发来没完没了的请求头
const MAX_HEAD = 64 * 1024;

/** 和 html.escape 一样，把请求原样显示在网页里 */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function respond(conn: Socket, requestHead: string): void {
  const page =
    '<!doctype html>\n' +
    '<title>不要回答</title>\n' +
    '<h1>不要回答！！！不要回答！！！不要回答！！！</h1>\n' +
    '<p>服务端收到的请求：</p>\n' +
    `<pre>${escapeHtml(requestHead)}</pre>\n`;
  // 先编码成字节，再数字节数：Content-Length 数的是字节，不是字符（page.length 数的是 UTF-16 码元）
  const body = Buffer.from(page, 'utf8');
  const head =
    'HTTP/1.1 200 OK\r\n' + // 状态行：协议版本、状态码、原因短语
    'Content-Type: text/html; charset=utf-8\r\n' + // 是什么、用什么编码
    `Content-Length: ${body.length}\r\n` + // 响应体有多少字节：收到这么多就完整了
    'Connection: close\r\n' + // 发完这个响应就关闭连接，别等下一个请求
    '\r\n'; // 空行：响应头结束，后面是响应体
  // end()：把数据全部发出去，然后关闭连接（发 FIN），说到做到（Connection: close）
  conn.end(Buffer.concat([Buffer.from(head, 'ascii'), body]));
}

// Node 的服务端同时处理所有连接：每个连接各自收、各自回
const server = createServer((conn) => {
  const peer = `${conn.remoteAddress}:${conn.remotePort}`;
  let data = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    // 一直收，直到收到空行 \r\n\r\n：HTTP 请求头到这里结束（GET 请求没有请求体）
    data = Buffer.concat([data, chunk]);
    const end = data.indexOf('\r\n\r\n');
    if (end === -1 && data.length <= MAX_HEAD) return;
    conn.off('data', onData);
    // 请求头只能是 ASCII；万一混进别的字节，显示成 �
    const requestHead = data.subarray(0, end === -1 ? data.length : end).toString('utf8');
    console.log(`--- 来自 ${peer} 的请求 ---`);
    console.log(requestHead);
    respond(conn, requestHead);
  };
  conn.on('data', onData);
  conn.on('error', (err) => console.log(`连接异常断开: ${err.message}`));
});
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`HTTP 服务端已启动: http://${HOST}:${PORT}/`);

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
