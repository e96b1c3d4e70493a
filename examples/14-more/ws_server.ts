import { WebSocketServer } from 'ws'; // npm 的 ws 包（第 11 课）

const HOST = '127.0.0.1';
const PORT = 2333;

const wss = new WebSocketServer({ host: HOST, port: PORT });
wss.on('listening', () => console.log(`Node WebSocket 服务端已启动: ws://${HOST}:${PORT}/`));

// 每个连接调用一次，相当于 ws_server.py 的 handler；req 是握手时的 HTTP 请求
wss.on('connection', (ws, req) => {
  const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  console.log(`WebSocket 连接: ${peer}，路径 ${req.url}`);
  // 每次一条完整的消息，分帧由 WebSocket 负责
  ws.on('message', (data) => {
    const message = data.toString();
    console.log(`收到: ${message}`);
    ws.send(`Node 服务端已收到: ${message}`);
  });
  ws.on('error', (err) => console.log(`连接异常断开: ${err.message}`));
  ws.on('close', (code) => console.log(`WebSocket 断开: ${peer}，关闭码 ${code}`));
});

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
