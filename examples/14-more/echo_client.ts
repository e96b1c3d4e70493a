import { once } from 'node:events';
import { createConnection } from 'node:net';

// 用法：node echo_client.ts 地址 [消息]
// 地址：::1（IPv6）、127.0.0.1（IPv4）或 /tmp/socket-lab.sock（Unix 域套接字）
const address = process.argv[2] ?? '::1';
const message = process.argv[3] ?? `你好，${address}`;
const PORT = 2333;
const isUnix = address.startsWith('/');

/** IPv6 地址里有冒号，和端口写在一起时要加方括号 */
const hostPort = (host = '', port = 0) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

// 三种套接字的用法完全一样，不同的只有地址：给路径就是 Unix 域套接字，
// 给 IP 地址就按它的写法用 IPv4 或 IPv6
const sock = isUnix ? createConnection({ path: address }) : createConnection({ host: address, port: PORT });
const target = isUnix ? address : hostPort(address, PORT);
try {
  await once(sock, 'connect');
} catch (err) {
  console.error(`连不上 ${target}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const family = isUnix ? 'AF_UNIX' : sock.remoteFamily;
const local = isUnix ? JSON.stringify(sock.localAddress ?? '') : hostPort(sock.localAddress, sock.localPort);
console.log(`已连接 ${target}（${family}），本端地址 ${local}`);
// 发完就 end()：告诉服务端“发完了”，它原样发回后我们读到结尾就结束
sock.end(message);
const chunks: Buffer[] = [];
for await (const chunk of sock) chunks.push(chunk as Buffer);
console.log(`收到回显: ${Buffer.concat(chunks).toString('utf8')}`);
