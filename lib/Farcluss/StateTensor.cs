using static TorchSharp.torch;

namespace Farcluss;

/// <summary>
/// One tensor of the state a part of the trainer carries from step to step (the rebalancer's class
/// frequencies, the prototype memory, the open log interval's sums), by name. Each stateful part lists
/// its own once, in a static <c>StateOf(part)</c> that also answers for a part switched off (the
/// tensors are then null, the names stay); the trainer's rollback of a skipped step and the checkpoint
/// both iterate that list, so they cannot disagree on what the state is or on its order.
/// </summary>
/// <param name="Name">A stable name ("rebalancer.frequencies"), for messages and readers of the code.</param>
/// <param name="Tensor">The live tensor (do not dispose it); null when the part is switched off.</param>
public sealed record StateTensor(string Name, Tensor? Tensor);
