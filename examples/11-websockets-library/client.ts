/**
 * 聊天室的命令行客户端，用 npm 的 ws 包：一边读键盘发消息，一边收消息（和 client.py 一样）。
 *
 *     node client.ts [ws://127.0.0.1:8765/]
 *
 * 输入一行回车就发出去，Ctrl-D 正常关闭（1000）。
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const URL = process.argv[2] ?? 'ws://127.0.0.1:8765/';
const websocket = new WebSocket(URL);

websocket.on('open', () => {
  console.log(`已连接 ${URL}，输入消息回车发送，Ctrl-D 退出`);
  // terminal: false：行编辑交给终端，和 Python 的 input() 一样
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => websocket.send(line));
  // Ctrl-D：发关闭帧（1000），等服务端回关闭帧后触发 'close'
  rl.on('close', () => websocket.close(1000));
});

websocket.on('message', (data, isBinary) => {
  console.log(isBinary ? `< (binary) ${Buffer.from(data as Buffer).toString('hex')}` : `< ${data.toString()}`);
});

websocket.on('close', (code, reason) => {
  console.log(`连接已关闭: ${code} ${reason.toString()}`.trimEnd());
  process.exit();
});

websocket.on('error', (err) => {
  console.error(`连不上 ${URL}: ${err.message}`);
  process.exit(1);
});

process.on('SIGINT', () => {
  console.log('\n已退出');
  process.exit();
});
