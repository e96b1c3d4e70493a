// 同一段文字在 UTF-8 和 GB2312 下各是哪些字节（第 3 课的 C# 版）。
// 编译运行：mcs Encodings.cs && mono Encodings.exe
// Mono 的 GB2312 在 I18N.CJK 程序集里（Debian 的 libmono-i18n-cjk4.0-cil 包），没装就会抛
// NotSupportedException: Encoding 936 data could not be found.
using System;
using System.Text;

class Encodings
{
    static void Show(Encoding encoding, string text)
    {
        byte[] bytes = encoding.GetBytes(text);
        string back = encoding.GetString(bytes);
        Console.WriteLine($"{encoding.WebName,-7} {BitConverter.ToString(bytes),-18} {text} → 解码回来是 {back}");
    }

    static void Main()
    {
        Encoding gb2312 = Encoding.GetEncoding("GB2312");
        Console.WriteLine($"Encoding.GetEncoding(\"GB2312\") 是代码页 {gb2312.CodePage}");
        foreach (string text in new[] { "你好", "😀", "€", "們" })
        {
            Show(Encoding.UTF8, text);
            Show(gb2312, text);
        }

        // 默认编码不了的字符会被悄悄换成 ?。想像 Python 一样报错，要明确要求
        Encoding strict = Encoding.GetEncoding("GB2312", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        try
        {
            strict.GetBytes("😀");
        }
        catch (EncoderFallbackException err)
        {
            Console.WriteLine($"严格模式: {err.GetType().Name}: {err.Message}");
        }
    }
}
