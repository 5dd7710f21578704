using System.Runtime.InteropServices;

namespace Uncloak.Firewall.Interop;

/// <summary>Owns a <c>struct nft_ctx *</c>; freed with nft_ctx_free.</summary>
internal sealed class NftContextHandle : SafeHandle
{
    public NftContextHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        LibNftables.nft_ctx_free(handle);
        return true;
    }
}
