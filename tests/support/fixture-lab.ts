/**
 * A small lab for backend tests, independent of the course's lessons: an echo server that says who it is, and a
 * client, both real Python programs on 127.0.0.1:2333.
 */
import { makeExamples, startTestLab, type TestLab } from './lab-harness.ts';

export const FIXTURE_LAB = '01-fixture';

const ECHO_SERVER = `import socket, sys
name = sys.argv[1]
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 2333))
server.listen()
print(f"{name} listening", flush=True)
while True:
    conn, _ = server.accept()
    with conn:
        data = conn.recv(1024)
        print(f"{name} got {data.decode()}", flush=True)
        conn.sendall(f"{name} echoes {data.decode()}".encode())
`;

const SEND = `import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3) as s:
    s.sendall(sys.argv[2].encode())
    print("reply:", s.recv(1024).decode(), flush=True)
`;

export function fixtureExamples() {
  return makeExamples({
    [FIXTURE_LAB]: {
      manifest: {
        terminals: [
          {
            id: 't1',
            title: { 'zh-CN': '服务端', en: 'server' },
            commands: [{ run: 'python3 echo_server.py server' }, { run: 'yes' }],
          },
          { id: 't2', title: { 'zh-CN': '客户端', en: 'client' }, commands: [{ run: 'python3 send.py 2333 hi' }] },
          { id: 't3', title: { 'zh-CN': '观察', en: 'observe' }, commands: [] },
        ],
      },
      files: { 'echo_server.py': ECHO_SERVER, 'send.py': SEND },
    },
  });
}

/** The backend with the fixture lab as its only lab, and `options`; closing it also removes the lab's folder. */
export async function startFixtureLab(options: string[] = []): Promise<TestLab> {
  const examples = await fixtureExamples();
  let lab: TestLab;
  try {
    lab = await startTestLab(['--examples-dir', examples.dir, ...options]);
  } catch (error) {
    await examples.remove();
    throw error;
  }
  const close = lab.close;
  return {
    ...lab,
    close: async () => {
      await close();
      await examples.remove();
    },
  };
}
