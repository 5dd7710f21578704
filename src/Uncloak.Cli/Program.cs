using Uncloak.Cli;

return await UncloakCli.RunAsync(args, Console.Out, Console.Error);
