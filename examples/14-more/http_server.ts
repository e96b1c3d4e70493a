import { createServer } from 'node:http';

const HOST = '127.0.0.1';
const PORT = 2333;

// Node 的 http 模块：状态行、头部、Content-Length 或分块编码都由它来写（第 5 课是手写的）
const server = createServer((req, res) => {
  const agent = req.headers['user-agent'] ?? '（没有）';
  console.log(`${req.method} ${req.url}  User-Agent: ${agent}`);
  const body = `你好，这里是 Node.js 的 http 服务端。\n你请求的是 ${req.url}，你的 User-Agent 是 ${agent}\n`;
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
});

server.listen(PORT, HOST, () => console.log(`Node http 服务端已启动: http://${HOST}:${PORT}/`));

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
