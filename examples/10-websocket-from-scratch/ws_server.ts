/**
 * 只用 Node 自带模块（node:net、node:crypto）写的 WebSocket 回声服务端（RFC 6455），和 ws_server.py 一样：
 * - 普通 HTTP 请求得到 426 Upgrade Required，连接保持，可以接着发下一个请求（HTTP/1.1 默认是长连接）
 * - WebSocket 握手得到 101 Switching Protocols，之后这条 TCP 连接上传的就是 WebSocket 帧
 * - 打印收到和发出的每个帧的头部；文本、二进制消息原样发回去
 * - 发文本 /ping：服务端发一个 ping 帧；发 /close：服务端用 1000 主动关闭
 * - Ctrl-C：给每个 WebSocket 连接发 1001（going away）再退出
 */
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2333;
// RFC 6455 第 1.3 节写死的字符串，所有 WebSocket 服务端都用这一个
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
// 一条消息最多 64 KiB，再大就用 1009（message too big）关闭连接
const MAX_MESSAGE = 64 * 1024;

const [OP_CONT, OP_TEXT, OP_CLOSE, OP_PING, OP_PONG] = [0x0, 0x1, 0x8, 0x9, 0xa];
const OPCODE_NAMES: Record<number, string> = {
  0x0: 'continuation',
  0x1: 'text',
  0x2: 'binary',
  0x8: 'close',
  0x9: 'ping',
  0xa: 'pong',
};
const CLOSE_CODE_NAMES: Record<number, string> = {
  1000: '正常关闭',
  1001: '离开',
  1002: '协议错误',
  1003: '不支持的数据类型',
  1005: '没有关闭码',
  1006: '异常断开',
  1007: '数据不合法',
  1008: '违反策略',
  1009: '消息太大',
  1011: '服务端出错',
};

/** 握手的关键一步：Sec-WebSocket-Accept = base64(SHA-1(Sec-WebSocket-Key + GUID))（第 4.2.2 节） */
function acceptValue(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** Sec-WebSocket-Key 必须是 16 个随机字节的 base64：22 个字符加 "=="（第 4.1 节） */
function validKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{22}==$/.test(key);
}

/** 字节写成 "81 85 37 fa"，太长的只写前 limit 个 */
function hex(data: Buffer, limit = Infinity): string {
  const text = [...data.subarray(0, limit)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return data.length > limit ? `${text} …` : text;
}

/** 对方关闭了连接 */
class EOFError extends Error {}

/** 对方违反了协议：用 code（1002、1007、1009……）关闭连接 */
class ProtocolError extends Error {
  code: number;
  constructor(code: number, reason: string) {
    super(reason);
    this.code = code;
  }
}

/** 带缓冲的读，相当于 Python 里 sock.makefile("rb") 的 readline() 和 read(n) */
class Reader {
  #chunks: AsyncIterator<Buffer>;
  #buffer = Buffer.alloc(0);

  constructor(sock: Socket) {
    this.#chunks = sock[Symbol.asyncIterator]();
  }

  /** 再收一块数据（一次 recv）；对方关闭了连接返回 false */
  async #fill(): Promise<boolean> {
    const chunk = await this.#chunks.next();
    if (chunk.done) return false;
    this.#buffer = Buffer.concat([this.#buffer, chunk.value]);
    return true;
  }

  #take(n: number): Buffer {
    const data = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return data;
  }

  /** 读一行（带着 \n），最多 limit 字节；对方关闭了连接就返回剩下的（可能是空的） */
  async readLine(limit = 8192): Promise<Buffer> {
    while (true) {
      const end = this.#buffer.indexOf(0x0a);
      if (end >= 0) return this.#take(Math.min(end + 1, limit));
      if (this.#buffer.length >= limit) return this.#take(limit);
      if (!(await this.#fill())) return this.#take(this.#buffer.length);
    }
  }

  /** 读满 n 个字节；对方先关闭了连接就抛出 EOFError */
  async readExact(n: number): Promise<Buffer> {
    while (this.#buffer.length < n) if (!(await this.#fill())) throw new EOFError();
    return this.#take(n);
  }

  /** 把对方还在发的数据读完扔掉，直到对方关闭连接 */
  async drain(): Promise<void> {
    while (await this.#fill()) this.#buffer = Buffer.alloc(0);
  }
}

class Connection {
  readonly sock: Socket;
  readonly reader: Reader;
  readonly name: string;
  upgraded = false;
  closeSent = false;

  constructor(sock: Socket) {
    this.sock = sock;
    this.reader = new Reader(sock);
    this.name = `${sock.remoteAddress}:${sock.remotePort}`;
    // 出错（比如对方重置了连接）会让 reader 抛出异常，在 run() 里处理；这里只是不让进程因此退出
    sock.on('error', () => {});
  }

  log(text: string): void {
    console.log(`[${this.name}] ${text}`);
  }

  // ---------- HTTP 阶段：握手 ----------

  /** 读一个 HTTP 请求头，到空行为止。返回 [请求行, {小写的头名: 值}]；对方关闭了连接就返回 null */
  async readRequest(): Promise<[string, Map<string, string>] | null> {
    const first = await this.reader.readLine();
    if (first.length === 0) return null;
    const requestLine = first.toString('latin1').replace(/\r?\n$/, '');
    this.log('收到 HTTP 请求:');
    console.log(`    ${requestLine}`);
    const headers = new Map<string, string>();
    while (true) {
      const line = await this.reader.readLine();
      if (line.length === 0) throw new EOFError();
      const text = line.toString('latin1').replace(/\r?\n$/, '');
      if (text === '') return [requestLine, headers];
      console.log(`    ${text}`);
      const colon = text.indexOf(':');
      const name = (colon >= 0 ? text.slice(0, colon) : text).trim().toLowerCase();
      const value = colon >= 0 ? text.slice(colon + 1).trim() : '';
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
    }
  }

  respond(status: string, headers: [string, string][], body = ''): void {
    const data = Buffer.from(body, 'utf8');
    if (body) headers = [...headers, ['Content-Type', 'text/plain; charset=utf-8']];
    if (!status.startsWith('101')) headers = [...headers, ['Content-Length', String(data.length)]];
    const lines = [`HTTP/1.1 ${status}`, ...headers.map(([name, value]) => `${name}: ${value}`)];
    this.sock.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), data]));
    this.log('发出 HTTP 响应:');
    console.log(lines.map((line) => `    ${line}`).join('\n'));
  }

  /** 处理 HTTP 请求，直到收到 WebSocket 握手。握手成功返回 true，连接结束返回 false */
  async handshake(): Promise<boolean> {
    while (true) {
      const request = await this.readRequest();
      if (request === null) return false;
      const [requestLine, headers] = request;
      const [method, , version] = requestLine.split(' ');
      const tokens = (name: string) => (headers.get(name) ?? '').split(',').map((t) => t.trim().toLowerCase());
      const key = headers.get('sec-websocket-key') ?? '';

      if (!tokens('upgrade').includes('websocket')) {
        // 普通的 HTTP 请求。426 必须带 Upgrade 头，说明要换成什么协议（RFC 9110 第 15.5.22 节）
        const body = `426 Upgrade Required: 这是 WebSocket 服务端，请用 WebSocket 客户端连接 ws://${HOST}:${PORT}/\n`;
        if (headers.has('content-length') || headers.has('transfer-encoding')) {
          // 请求带了正文：这个简单的服务端不读正文，回完就关闭连接
          this.respond(
            '426 Upgrade Required',
            [
              ['Upgrade', 'websocket'],
              ['Connection', 'Upgrade, close'],
            ],
            body,
          );
          return false;
        }
        // 没写 Connection: close，HTTP/1.1 的连接就保持着，可以接着发下一个请求
        this.respond(
          '426 Upgrade Required',
          [
            ['Upgrade', 'websocket'],
            ['Connection', 'Upgrade'],
          ],
          body,
        );
        continue;
      }
      if (headers.get('sec-websocket-version') !== '13') {
        // 版本不对：告诉客户端这里支持的版本（第 4.4 节）
        this.respond('426 Upgrade Required', [
          ['Sec-WebSocket-Version', '13'],
          ['Connection', 'close'],
        ]);
        return false;
      }
      if (method !== 'GET' || version !== 'HTTP/1.1' || !tokens('connection').includes('upgrade') || !validKey(key)) {
        this.respond('400 Bad Request', [['Connection', 'close']], '不是合法的 WebSocket 握手\n');
        return false;
      }

      const accept = acceptValue(key);
      this.log(`Sec-WebSocket-Accept = base64(sha1('${key}' + '${GUID}')) = ${accept}`);
      // 101 之后没有 HTTP 了：这条 TCP 连接上接下来的字节都是 WebSocket 帧
      this.respond('101 Switching Protocols', [
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Accept', accept],
      ]);
      this.upgraded = true;
      return true;
    }
  }

  // ---------- WebSocket 阶段：帧 ----------

  /** 读一个帧（第 5.2 节），返回 [FIN, opcode, 解掩码后的载荷] */
  async readFrame(): Promise<[boolean, number, Buffer]> {
    let header = await this.reader.readExact(2);
    const fin = header[0]! >> 7;
    const rsv = (header[0]! >> 4) & 0b111;
    const opcode = header[0]! & 0x0f;
    const masked = header[1]! >> 7;
    let length = header[1]! & 0x7f;
    if (length === 126) {
      // 126：真正的长度在后面 2 个字节里
      const extended = await this.reader.readExact(2);
      length = extended.readUInt16BE(0);
      header = Buffer.concat([header, extended]);
    } else if (length === 127) {
      // 127：真正的长度在后面 8 个字节里
      const extended = await this.reader.readExact(8);
      length = Number(extended.readBigUInt64BE(0));
      header = Buffer.concat([header, extended]);
    }
    const key = masked ? await this.reader.readExact(4) : Buffer.alloc(0);
    const name = OPCODE_NAMES[opcode] ?? '?';
    this.log(
      `← 帧头 ${hex(Buffer.concat([header, key]))} | FIN=${fin} RSV=${rsv.toString(2).padStart(3, '0')}` +
        ` opcode=0x${opcode.toString(16).toUpperCase()}(${name}) MASK=${masked} 长度=${length}` +
        (masked ? ` 掩码键=${key.toString('hex')}` : ''),
    );

    if (rsv) throw new ProtocolError(1002, 'RSV bits set but no extension was negotiated');
    if (!(opcode in OPCODE_NAMES))
      throw new ProtocolError(1002, `unknown opcode 0x${opcode.toString(16).toUpperCase()}`);
    // 客户端发来的帧必须加掩码，服务端收到没加掩码的帧必须关闭连接（第 5.1 节）
    if (!masked) throw new ProtocolError(1002, 'client frames must be masked');
    if (opcode >= 0x8 && (!fin || length > 125)) {
      throw new ProtocolError(1002, 'control frames must not be fragmented or longer than 125 bytes');
    }
    if (length > MAX_MESSAGE) throw new ProtocolError(1009, `message too big (limit ${MAX_MESSAGE} bytes)`);

    const payload = await this.reader.readExact(length);
    // 解掩码：第 i 个字节和掩码键的第 i % 4 个字节异或（第 5.3 节）
    const data = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
    if (length) this.log(`   载荷 ${hex(payload, 16)} → 解掩码 → ${hex(data, 16)}`);
    return [fin === 1, opcode, data];
  }

  /** 发一个帧：FIN=1（不分片），MASK=0（服务端发的帧不加掩码） */
  sendFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): void {
    const n = payload.length;
    let header: Buffer;
    if (n < 126) {
      header = Buffer.from([0x80 | opcode, n]);
    } else if (n < 1 << 16) {
      header = Buffer.from([0x80 | opcode, 126, 0, 0]);
      header.writeUInt16BE(n, 2);
    } else {
      header = Buffer.from([0x80 | opcode, 127, 0, 0, 0, 0, 0, 0, 0, 0]);
      header.writeBigUInt64BE(BigInt(n), 2);
    }
    this.sock.write(Buffer.concat([header, payload]));
    const name = OPCODE_NAMES[opcode];
    this.log(`→ 帧头 ${hex(header)} | FIN=1 opcode=0x${opcode.toString(16).toUpperCase()}(${name}) MASK=0 长度=${n}`);
  }

  /** 发关闭帧：2 字节的关闭码 + UTF-8 的原因。每个连接只发一次 */
  sendClose(code?: number, reason = ''): void {
    if (this.closeSent) return;
    this.closeSent = true;
    let payload = Buffer.alloc(0);
    if (code !== undefined) {
      payload = Buffer.concat([Buffer.alloc(2), Buffer.from(reason, 'utf8')]);
      payload.writeUInt16BE(code, 0);
    }
    this.sendFrame(OP_CLOSE, payload);
  }

  onCloseFrame(data: Buffer): void {
    if (data.length === 1) throw new ProtocolError(1002, 'a close payload cannot be 1 byte long');
    const code = data.length ? data.readUInt16BE(0) : 1005;
    const reason = data.subarray(2).toString('utf8');
    this.log(`   关闭帧: 关闭码 ${code}（${CLOSE_CODE_NAMES[code] ?? '?'}）原因 '${reason}'`);
    // 回一个关闭帧，通常把对方的关闭码原样带回去（第 5.5.1 节）
    if (!this.closeSent) this.sendClose(data.length ? code : undefined);
    // 双方都发过关闭帧了：由服务端先关闭 TCP 连接（第 7.1.1 节）
  }

  onMessage(opcode: number, message: Buffer): void {
    if (opcode === OP_TEXT) {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(message);
      } catch {
        throw new ProtocolError(1007, 'text message is not valid UTF-8');
      }
      const chars = [...text];
      this.log(`   文本消息: '${chars.slice(0, 60).join('')}'${chars.length > 60 ? '…' : ''}`);
      if (text === '/ping') return this.sendFrame(OP_PING, Buffer.from('socket-lab'));
      if (text === '/close') return this.sendClose(1000, 'bye');
    } else {
      this.log(`   二进制消息: ${message.length} 字节`);
    }
    this.sendFrame(opcode, message); // 回声：原样发回去
  }

  /** 收帧，把分片拼成消息，处理控制帧，直到关闭握手完成 */
  async serveFrames(): Promise<void> {
    let messageOpcode: number | null = null;
    let parts: Buffer[] = [];
    let size = 0;
    while (true) {
      const [fin, opcode, data] = await this.readFrame();
      if (opcode === OP_CLOSE) return this.onCloseFrame(data);
      if (opcode === OP_PING) {
        this.sendFrame(OP_PONG, data); // 收到 ping 就回 pong，载荷原样带回
        continue;
      }
      if (opcode === OP_PONG) continue;
      if (opcode === OP_CONT) {
        if (messageOpcode === null) throw new ProtocolError(1002, 'continuation frame without a message to continue');
      } else if (messageOpcode !== null) {
        throw new ProtocolError(1002, 'new message before the last one was finished');
      } else {
        messageOpcode = opcode;
      }
      parts.push(data);
      size += data.length;
      if (size > MAX_MESSAGE) throw new ProtocolError(1009, `message too big (limit ${MAX_MESSAGE} bytes)`);
      if (fin) {
        // FIN=1：消息的最后一个分片
        const [op, message] = [messageOpcode, Buffer.concat(parts)];
        [messageOpcode, parts, size] = [null, [], 0];
        if (!this.closeSent) this.onMessage(op, message); // 发出关闭帧以后就不再发数据了
      }
    }
  }

  /**
   * 先 end()（发完数据后发 FIN），把对方还在发的数据读完再销毁，
   * 免得内核因为有没读的数据而回 RST，把刚发出去的关闭帧冲掉
   */
  async closeTcp(): Promise<void> {
    this.sock.end();
    const timer = setTimeout(() => this.sock.destroy(), 1000);
    try {
      await this.reader.drain();
    } catch {
      // 超时被销毁，或者连接出错：都不用管了
    }
    clearTimeout(timer);
    this.sock.destroy();
  }

  async run(): Promise<void> {
    this.log('新连接');
    try {
      if (await this.handshake()) {
        try {
          await this.serveFrames();
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
          this.log(`协议错误: ${err.message} → 用 ${err.code}（${CLOSE_CODE_NAMES[err.code]}）关闭连接`);
          this.sendClose(err.code, err.message);
        }
      }
    } catch (err) {
      if (err instanceof EOFError) {
        if (this.upgraded) this.log('对方没发关闭帧就断开了 TCP 连接（浏览器里看到的关闭码是 1006）');
      } else {
        this.log(`连接出错: ${err instanceof Error ? err.message : String(err)}`);
      }
    } finally {
      await this.closeTcp();
      this.log('连接已关闭');
    }
  }
}

const connections = new Map<Connection, Promise<void>>();
// Node 天生并发：每个连接一个 async 函数，不需要线程
const server = createServer((sock) => {
  const conn = new Connection(sock);
  connections.set(
    conn,
    conn.run().finally(() => connections.delete(conn)),
  );
});
// Node 监听端口时默认就设置了 SO_REUSEADDR
server.listen(PORT, HOST, () => {
  console.log(`WebSocket 服务端已启动: ws://${HOST}:${PORT}/ （普通 HTTP 请求会得到 426）`);
});

process.on('SIGINT', async () => {
  console.log('\n服务端要退出了: 给每个 WebSocket 连接发 1001（going away）');
  server.close();
  for (const conn of connections.keys()) if (conn.upgraded) conn.sendClose(1001, 'server going away');
  // 等客户端回关闭帧，最多 2 秒
  const upgraded = [...connections].filter(([conn]) => conn.upgraded).map(([, done]) => done);
  await Promise.race([Promise.all(upgraded), new Promise((resolve) => setTimeout(resolve, 2000))]);
  console.log('服务端已停止');
  process.exit();
});
