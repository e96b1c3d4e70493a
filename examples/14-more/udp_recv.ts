import { createSocket } from 'node:dgram';

const HOST = '127.0.0.1';
const PORT = 2333;

/** 让整个线程睡 ms 毫秒，就像 Python 的 time.sleep：这期间事件循环不转，数据报在内核里排队 */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// udp4：UDP over IPv4。没有 listen、没有 accept，也没有连接：bind 之后直接收
const sock = createSocket('udp4');
let count = 0;
// 每个 'message' 事件正好是一个数据报，rinfo 告诉我们是谁发的
sock.on('message', (data, rinfo) => {
  count += 1;
  console.log(
    `第 ${count} 次收到: ${data.length} 字节 ${JSON.stringify(data.toString('utf8'))}，来自 ${rinfo.address}:${rinfo.port}`,
  );
  // 故意读得慢：这一秒里后面的数据报已经到了，在缓冲区里排队，但不会粘在一起
  sleep(1000);
});
sock.bind(PORT, HOST, () => console.log(`UDP 接收端已绑定 ${HOST}:${PORT}，每读一个数据报歇 1 秒`));

process.on('SIGINT', () => {
  console.log('\n接收端已停止');
  process.exit();
});
