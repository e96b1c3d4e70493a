// 第 1 课 client.py 的 C# 版：从控制台读一行，发给服务端，打印回复；空行退出。
// 编译运行：mcs EchoClient.cs && mono EchoClient.exe
using System;
using System.IO;
using System.Net.Sockets;
using System.Text;

class EchoClient
{
    const string Host = "127.0.0.1";
    const int Port = 2333;
    static readonly Encoding Utf8 = Encoding.UTF8;

    static int Main()
    {
        try
        {
            // 1、创建 socket 对象 + 2、连接服务器：new TcpClient(host, port) 两步一起做。
            // 4、关闭：using 块结束时自动 Close()
            using (var client = new TcpClient(Host, Port))
            using (NetworkStream stream = client.GetStream())
            {
                Console.WriteLine($"已连接到服务端 {Host}:{Port}，输入消息回车发送，空行退出");
                var buffer = new byte[1024];
                // 直接读标准输入的字节流，一行一行读，行编辑交给终端，和 Python 的 input() 一样。
                // （Console.ReadLine() 在 Mono 上会接管终端，自己处理按键）
                var input = new StreamReader(Console.OpenStandardInput(), Utf8);
                // 3、客户端与服务器端进行通信
                while (true)
                {
                    Console.Write(">>");
                    string line = input.ReadLine();
                    if (line == null) // Ctrl-D：输入结束
                    {
                        Console.WriteLine("\nconnect close..");
                        break;
                    }
                    if (line.Length == 0) // 空行就结束：发空消息服务端不会回复，下面的 Read 会一直等
                    {
                        Console.WriteLine("connect close..");
                        break;
                    }
                    byte[] data = Utf8.GetBytes(line);
                    stream.Write(data, 0, data.Length); // 全部写完才返回，相当于 sendall
                    int n = stream.Read(buffer, 0, buffer.Length); // 相当于 recv(1024)
                    if (n == 0) // 0 个字节：服务端关闭了连接
                    {
                        Console.WriteLine("服务端关闭了连接");
                        break;
                    }
                    Console.WriteLine($"客户端收到服务器回复的消息: {Utf8.GetString(buffer, 0, n)}");
                }
            }
            return 0;
        }
        catch (SocketException err)
        {
            // 比如服务端没启动：Connection refused（Python 里是 ConnectionRefusedError）
            Console.WriteLine($"连不上服务端: {err.Message}");
            return 1;
        }
    }
}
