/**
 * 同一个聊天室，用 npm 的 ws 包（WebSocketServer）写：谁发的消息都广播给所有人（和 server.py 一样）。
 */
import WebSocket, { WebSocketServer } from 'ws';

const HOST = '127.0.0.1';
const PORT = 8765;

const wss = new WebSocketServer({ host: HOST, port: PORT });

/** ws 没有 broadcast()：自己遍历 wss.clients（所有在线的连接），和 websockets.broadcast 一样跳过没在 OPEN 状态的 */
function broadcast(message: string): void {
  for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(message);
}

/** Ctrl-C 以后为 true：最后一个连接关闭时退出 */
let closing = false;
function exit(): void {
  console.log('聊天室已关闭');
  process.exit();
}

wss.on('listening', () => console.log(`聊天室已启动: ws://${HOST}:${PORT}/`));

// 每个连接触发一次；request 是握手的 HTTP 请求，路径在 request.url 里
wss.on('connection', (websocket, request) => {
  const name = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
  const userAgent = request.headers['user-agent'] ?? '?';
  console.log(`${name} 加入（路径 ${request.url}，User-Agent: ${userAgent}），在线 ${wss.clients.size} 人`);
  broadcast(`*** ${name} 加入了聊天室，在线 ${wss.clients.size} 人`);

  websocket.on('message', (data, isBinary) => {
    const message = isBinary ? `(binary) ${Buffer.from(data as Buffer).toString('hex')}` : data.toString();
    console.log(`${name}: ${message}`);
    // 发给所有人，包括发消息的人自己：浏览器里能看到自己的消息“回来了”
    broadcast(`${name}: ${message}`);
  });

  // 关闭握手完成（或连接断开）以后，ws 已经把它从 wss.clients 里删掉了
  websocket.on('close', (code) => {
    console.log(`${name} 离开（关闭码 ${code}），在线 ${wss.clients.size} 人`);
    broadcast(`*** ${name} 离开了聊天室，在线 ${wss.clients.size} 人`);
    if (closing && wss.clients.size === 0) exit();
  });
});

process.on('SIGINT', () => {
  // 和 server.py 一样：给每个连接发 1001（going away），等它们都关闭（最多 2 秒）再退出
  console.log('\n聊天室要关闭了: 给每个连接发 1001（going away）');
  closing = true;
  wss.close(); // 不再接受新连接
  for (const client of wss.clients) client.close(1001);
  if (wss.clients.size === 0) exit();
  setTimeout(exit, 2000);
});
