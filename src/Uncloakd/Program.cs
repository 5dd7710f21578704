using Uncloakd;

return await DaemonCommand.RunAsync(args, Console.Out, Console.Error);
