namespace Uncloak.Core.Events;

public enum SynFloodAction : byte
{
    SendingCookies = 0,
    DroppingRequest = 1,
}
