using System.Runtime.InteropServices;

namespace Farcluss.Runtime;

/// <summary>
/// How this process computes convolutions on the CPU: through libtorch's oneDNN (the default, fastest), or
/// with oneDNN switched off inside libtorch (libtorch's own kernels: slower, the kit's fallback). On some CPUs
/// oneDNN 3.7.1 (libtorch 2.10.0) returns non-finite, non-repeatable results at some channel counts
/// (docs/numerics.md); <see cref="NumericsCheck"/> decides which path a run may use. oneDNN's instruction set
/// can also be capped with <c>DNNL_MAX_CPU_ISA</c>, but only in the environment before oneDNN first runs
/// (the launcher, not this process: .NET's SetEnvironmentVariable does not reach native code on Linux), so a
/// cap is a property of the default path here, named in <see cref="Describe"/>. Taught in notebook 00.
/// </summary>
public static class NumericPath
{
    /// <summary>oneDNN as libtorch configures it (with the ISA cap of the environment, if any).</summary>
    public const string Default = "default";

    /// <summary>oneDNN switched off inside libtorch: libtorch's own convolution kernels.</summary>
    public const string OneDnnOff = "onednn-off";

    /// <summary>A CUDA device: oneDNN is not involved, and the check does not run.</summary>
    public const string Cuda = "cuda";

    /// <summary>The CPU paths in the order the kit tries them: fastest first.</summary>
    public static readonly IReadOnlyList<string> CpuPaths = [Default, OneDnnOff];

    /// <summary>The environment variables oneDNN reads for its ISA cap (its current and its older name).</summary>
    public static readonly string[] IsaVariables = ["ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"];

    /// <summary>The ISA cap set in this process's environment, or null.</summary>
    public static string? IsaCap =>
        IsaVariables.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>The path this process computes with now.</summary>
    public static string Current => OneDnnEnabled ? Default : OneDnnOff;

    /// <summary>One phrase for logs and errors: "oneDNN (the default)", "oneDNN capped at AVX2 ...", "oneDNN off ...".</summary>
    public static string Describe(string path) => path switch
    {
        Default => IsaCap is { } cap ? $"oneDNN capped at {cap} (DNNL_MAX_CPU_ISA)" : "oneDNN (the default)",
        OneDnnOff => "oneDNN off (libtorch's own convolution kernels)",
        Cuda => "CUDA",
        _ => path,
    };

    /// <summary>Makes <paramref name="path"/> this process's path. oneDNN can be switched off and on at any time.</summary>
    public static void Use(string path)
    {
        if (path is not (Default or OneDnnOff)) throw new ArgumentException($"not a CPU numeric path: {path}", nameof(path));
        OneDnnEnabled = path == Default;
    }

    /// <summary>
    /// Switches NNPACK off, once per process. oneDNN takes float32 convolutions before NNPACK would, so the default
    /// path does not change; with oneDNN off (and in float64) libtorch's own kernels run everywhere alike, and a CPU
    /// NNPACK does not support no longer prints "Could not initialize NNPACK" for every convolution.
    /// </summary>
    public static void QuietNnpack()
    {
        NativeLibTorch.EnsureLoadable();
        Native.SetNnpack(Native.Context(), false);
    }

    /// <summary>at::globalContext().userEnabledMkldnn(), which libtorch_cpu.so exports.</summary>
    public static bool OneDnnEnabled
    {
        get { NativeLibTorch.EnsureLoadable(); return Native.Get(Native.Context()); }
        private set { NativeLibTorch.EnsureLoadable(); Native.Set(Native.Context(), value); }
    }

    static class Native
    {
        // The kit's own libtorch_cpu.so is already loaded under this SONAME (KitLibTorch), so the name resolves to it.
        const string Lib = "libtorch_cpu.so";
        [DllImport(Lib, EntryPoint = "_ZN2at13globalContextEv")] public static extern IntPtr Context();
        [DllImport(Lib, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
        public static extern void Set(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
        [DllImport(Lib, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
        public static extern void SetNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
        [DllImport(Lib, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
        [return: MarshalAs(UnmanagedType.U1)] public static extern bool Get(IntPtr context);
    }
}
