/**
 * 连上就走，而且不是好好地关：resetAndDestroy() 直接发 RST（重置）而不是 FIN。和 reset_client.py 一样。
 * 对方的 recv() 不会返回 b''，而是抛出 ConnectionResetError（Node 里是 ECONNRESET 错误）。
 */
import { once } from 'node:events';
import { createConnection } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2333;

const sock = createConnection(PORT, HOST);
await once(sock, 'connect');
console.log(`已连接到 ${HOST}:${PORT}`);
sock.resetAndDestroy();
await once(sock, 'close');
console.log('resetAndDestroy()：发出了 RST');
